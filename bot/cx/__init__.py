"""Helpdesk adapters: webhook verification and parsing per vendor, REST pulls, their routes and jobs."""
