"""The command line's jobs besides serve and console: digest, rescore, demo, the configuration reference."""
