/** Markdown files are bundled as their text (esbuild's text loader, vitest's transform). */
declare module "*.md" {
  const text: string;
  export default text;
}
