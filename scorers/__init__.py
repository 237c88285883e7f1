"""What grades a sample: hidden tests, rule compliance, the report, and the process."""
