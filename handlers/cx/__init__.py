"""Customer ratings: helpdesk scales normalised to 0-100, stored once, attributed to the agent's team."""
