"""English as God-view writes it: a raw date in a template reads like the one long style
(`long_date`, "3 November 2026"), not Django's "Nov. 3, 2026"; 24-hour times; weeks from Monday.
Numbers keep Django's English separators (1,234.5)."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # weeks are the agency's: Monday to Sunday
