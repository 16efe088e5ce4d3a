"""汇总 (rollup): many packages read, checked and computed (in worker processes when many) into one
ranked workbook."""
