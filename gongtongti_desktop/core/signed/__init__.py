"""Paper that vouches for its data: a code on every printed form, signed scans filed back.

``codes`` (the short code and its check character), ``printed`` (what was printed, recorded
under each page's code), ``scan`` (reading the code from a photo or a scanner PDF),
``filing`` (a signed scan filed under its form, period and page) and ``status`` (未打印 /
已打印未签字 / 已签字 / 签字后数据已修改 for every form, with what changed).
"""
