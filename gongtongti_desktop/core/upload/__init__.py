"""What a director sees before the upload package is written (上报前检查): the open items of a
period, gathered from the rule checks, the roster, the stage reports, the signed paper and the
photo checks — a room after all of them, so it may ask each."""
