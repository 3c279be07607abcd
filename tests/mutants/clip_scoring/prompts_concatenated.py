"""build_prompts appends the class name after the template instead of filling its {} placeholder."""


def build_prompts(class_names, template="a photo of a {}."):
    if "{}" not in template:
        raise ValueError("template must contain {}")
    return [f"{template} {name}" for name in class_names]
