package dev.nodestate.hub.sandbox;
import java.util.UUID;
public class Scratch {
  public static void main(String[] a) throws Exception {
    long t0=System.nanoTime();
    PythonRuntime rt = PythonRuntime.start(1).awaitReady();
    System.out.println("ready ms " + (System.nanoTime()-t0)/1e6 + " " + rt.compilerMode());
    String[] scripts = {
      "sum(range(10**12))", "1+1", "x = 7**(10**8)", "1+1", "import dataclasses\n1", "[None]*(10**9)", "1+1"
    };
    for (String s : scripts) {
      long t=System.nanoTime();
      try {
        var r = rt.run(new GuestRun("t", "t.pym", s, UUID.randomUUID().toString(), "{}", "{\"read_file\":{\"is_async\":true,\"params\":[{\"name\":\"path\",\"has_default\":false}]}}", (n, j) -> "{\"ok\":\"content of " + j + "\"}", (s.startsWith("def f")? new Limits(1L<<30, java.time.Duration.ofSeconds(5), 200) : Limits.DEFAULT)));
        System.out.println("OK " + r.value() + " " + r.elapsed().toMillis() + "ms");
      } catch (ToolException e) { System.out.println("ERR " + e.getMessage().replace('\n',' ') + " after " + (System.nanoTime()-t)/1000000 + "ms"); }
    }
    long tt=System.nanoTime(); int n=200;
    for (int i=0;i<n;i++) rt.run(new GuestRun("t","t.pym","1+1","k1","{}","{}",null,Limits.DEFAULT));
    System.out.println("trivial avg ms " + (System.nanoTime()-tt)/1e6/n);
    rt.close();
  }
}
