"""The member's own workflows, which span their answers, their plans and their reviews:
submitting (submit.py) and their data (privacy.py). Above profiles, plans and counsel;
called by views, tasks and commands (docs/architecture.md, "Layers")."""
