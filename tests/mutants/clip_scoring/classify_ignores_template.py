"""zero_shot_classify encodes the bare class names, ignoring the prompt template."""


def zero_shot_classify(model, tokenizer, images, class_names, template="a photo of a {}."):
    device = next(model.parameters()).device
    with torch.no_grad():
        image_features = model.encode_image(images)
        text_features = model.encode_text(tokenizer(list(class_names)).to(device))
        probs = zero_shot_probs(image_features, text_features, model.logit_scale.exp())
    return probs, probs.argmax(dim=-1)
