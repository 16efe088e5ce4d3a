"""What the program checks for the director: the rule engine, the 概览 figures, the text of
``check``, and the stage report draft written from the rule verdicts."""
