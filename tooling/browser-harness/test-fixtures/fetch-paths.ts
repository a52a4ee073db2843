/** Fetches each path from the page's own origin and reports status, content type and body text. */
export default async function fetchPaths(args: { paths: string[] }) {
  const results = [];
  for (const path of args.paths) {
    const response = await fetch(path);
    results.push({
      path,
      status: response.status,
      contentType: response.headers.get('content-type'),
      text: await response.text(),
    });
  }
  return results;
}
