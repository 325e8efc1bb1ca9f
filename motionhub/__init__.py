"""motionhub."""
