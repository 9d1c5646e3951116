"""Threads that carry out what the session decides, and the one start-up that builds them."""
