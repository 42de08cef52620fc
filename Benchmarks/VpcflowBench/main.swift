print("vpcflow-bench: not yet")
