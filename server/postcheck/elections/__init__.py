"""The election calendar: statutory dates, the periods they make, and the snapshot checks read."""
