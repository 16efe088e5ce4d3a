"""考核评分: the index tree, scores, sums, suggestions and evidence."""
