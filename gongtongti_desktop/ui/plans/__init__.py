"""月计划: a term's or school year's plan items under their plan rows."""
