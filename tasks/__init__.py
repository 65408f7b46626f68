"""Sources, external projects, tasks, time entries and sync runs; sync/ holds one module per provider. Knows clients
and below."""
