"""The procedure catalogue: agencies, departments, fields and procedures."""
