"""The client record: clients, objectives, weekly goals, risk, contacts, reviews, tactics, NPS, revenue; the AM's forms
and writes. Knows core and accounts only."""
