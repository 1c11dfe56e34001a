"""What every app shares and that belongs to none: the clock, the client's address."""
