"""Notes shared anonymously with a team's managers, on the author's choice, and the conversation on them."""
