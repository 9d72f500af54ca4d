"""Date and time formats for the site's language: day before month, the 24-hour clock, and the time zone."""
