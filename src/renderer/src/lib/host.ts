/** host[:port] of a base URL: where a password typed for that server is sent (issue 9 §2). */
export function hostOfUrl(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}
