print("pof")
