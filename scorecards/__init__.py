"""What compares and publishes: Inspect logs in, scorecards out."""
