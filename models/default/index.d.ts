/** The URL of the folder holding the default model's manifest, tokenizer and weights. */
export declare const modelUrl: URL;
/** The URL of the default model's `manifest.json`. */
export declare const manifestUrl: URL;
