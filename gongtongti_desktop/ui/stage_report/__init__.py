"""阶段总结 (stage report): writing it, autosaved, with the draft from records."""
