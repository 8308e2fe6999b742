"""Record a demo in the window and replay it live: the recorder, the player, the offscreen driver, the actions."""
