"""文件 → 添加签字件… and 文件 → 签字件情况…: signed paper filed back, and every form's state."""
