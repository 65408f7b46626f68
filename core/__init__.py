"""Ground floor: the plumbing every app uses (htmx, CSV export, audit trail, cache versions, agency weeks, number
formats, read-only admin). Knows no app above it."""
