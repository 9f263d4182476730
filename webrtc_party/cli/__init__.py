"""The command line: parses and dispatches, nothing else."""
