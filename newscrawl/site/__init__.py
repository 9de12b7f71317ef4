"""The portal as data: its URL rules, its names, its dates, compact URL sets."""
