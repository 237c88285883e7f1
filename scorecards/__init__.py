"""What compares and publishes: Inspect logs in, scorecards out."""

FORMATS = ("md", "html", "json", "dataset")
