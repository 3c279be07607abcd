"""zero_shot_classify scores with the default logit_scale of 100 instead of the model's own temperature."""


def zero_shot_classify(model, tokenizer, images, class_names, template="a photo of a {}."):
    prompts = build_prompts(class_names, template)
    device = next(model.parameters()).device
    with torch.no_grad():
        image_features = model.encode_image(images)
        text_features = model.encode_text(tokenizer(prompts).to(device))
        probs = zero_shot_probs(image_features, text_features)
    return probs, probs.argmax(dim=-1)
