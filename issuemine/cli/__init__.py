"""Command-line interface: ``issuemine COMMAND``. One module per command under ``commands/``."""
