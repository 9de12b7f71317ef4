"""The extraction layers: each reads the fields it can from one kind of markup."""
