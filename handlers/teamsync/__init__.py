"""Teams that follow a source — a Slack user group or channel, the Teams team Tandem is installed in, or the
org chart file — and the rules for keeping their membership current without losing anyone's history."""
