export default function Grants() {
  return null;
}
