f"a
"
