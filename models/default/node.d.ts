/** The folder holding the default model's manifest, tokenizer and weights. */
export declare const modelFolder: string;
/** The path of the default model's `manifest.json`. */
export declare const manifestPath: string;
