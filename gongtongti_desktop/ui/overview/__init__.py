"""概览: rules, deadline, last export and the activity chart at a glance."""
