"""build_prompts accepts a template without {} and silently returns the same prompt for every class."""


def build_prompts(class_names, template="a photo of a {}."):
    return [template.format(name) for name in class_names]
