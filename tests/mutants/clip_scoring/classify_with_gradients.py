"""zero_shot_classify runs the encoders with autograd on, so the probabilities carry a graph."""


def zero_shot_classify(model, tokenizer, images, class_names, template="a photo of a {}."):
    prompts = build_prompts(class_names, template)
    device = next(model.parameters()).device
    image_features = model.encode_image(images)
    text_features = model.encode_text(tokenizer(prompts).to(device))
    probs = zero_shot_probs(image_features, text_features, model.logit_scale.exp())
    return probs, probs.argmax(dim=-1)
