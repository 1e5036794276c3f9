"""Tests of issuemine.survey (a package, so its module names cannot clash with other rooms' tests)."""
