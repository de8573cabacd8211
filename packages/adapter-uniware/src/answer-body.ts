/** The parsed JSON when the text is JSON, whatever the content type claims; otherwise the text. */
export const parseAnswerBody = (text: string): unknown => {
  if (text.trim() === '') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};
