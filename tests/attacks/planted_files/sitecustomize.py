import builtins; builtins.PLANTED = True
