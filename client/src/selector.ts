/** The documents the client hands to the server: the two languages the manifest contributes. */
export const DOCUMENT_SELECTOR = [{ language: "postfix-main" }, { language: "postfix-master" }];
