"""The sync, one module per provider (asana.py, clickup.py) behind base.Provider; runner.py runs one
sync run; fakes.py serves local fake workspaces that follow the vendors' specs."""
