"""One module per ``issuemine`` subcommand (discovered by ``issuemine.cli.main``)."""
