export default function Clients() {
  return null;
}
