/** Copies text; falls back to the selection where the async clipboard is refused. */
export async function copyText(text: string, fallbackField?: HTMLInputElement | HTMLTextAreaElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    if (!fallbackField) return false
    fallbackField.select()
    return document.execCommand('copy')
  }
}
